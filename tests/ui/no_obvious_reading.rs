wa_runtime::include_api!("specs/bad/no-obvious-reading.yaml");

fn main() {}
