wa_runtime::include_api!("specs/bad/does-not-exist.yaml");

fn main() {}
