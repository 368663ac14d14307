wa_client::include_api!("../../../../tests/specs/bad/missing-ref.yaml");

fn main() {}
