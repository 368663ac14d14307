wa_runtime::include_api!("specs/constructs/pets.yaml", flavours = ["x"]);

fn main() {}
