wa_runtime::include_api!("specs/constructs/pets.yaml", tags = ["nope"], operations = ["listPets", "getPets"]);
fn main() {}
