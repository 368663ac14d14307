wa_runtime::include_api!("specs/bad/multi/hostile.yaml");

fn main() {}
