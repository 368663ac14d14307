wa_client::include_api!("../../../../tests/specs/bad/not-yaml.yaml");

fn main() {}
