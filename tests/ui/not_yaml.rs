wa_runtime::include_api!("specs/bad/not-yaml.yaml");

fn main() {}
