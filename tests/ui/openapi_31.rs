wa_client::include_api!("../../../../tests/specs/bad/openapi-31.yaml");

fn main() {}
