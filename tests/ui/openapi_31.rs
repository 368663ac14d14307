wa_runtime::include_api!("specs/bad/openapi-31.yaml");

fn main() {}
