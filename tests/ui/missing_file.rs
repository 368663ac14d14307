wa_client::include_api!("../../../../tests/specs/bad/does-not-exist.yaml");

fn main() {}
