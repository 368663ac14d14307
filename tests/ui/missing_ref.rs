wa_runtime::include_api!("specs/bad/missing-ref.yaml");

fn main() {}
