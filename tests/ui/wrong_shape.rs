wa_runtime::include_api!("specs/bad/wrong-shape.yaml");

fn main() {}
