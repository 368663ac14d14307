wa_client::include_api!("specs/bad/missing-ref.yaml");

fn main() {}
