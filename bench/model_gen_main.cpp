// Writes a generated model (bench/model_gen.h) to stdout:
//   greenlight_model_gen 100000 > /tmp/model-100k.toml
#include <cstdlib>
#include <iostream>

#include "bench/model_gen.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: greenlight_model_gen COMPONENTS\n";
    return 64;
  }
  std::cout << greenlight::bench::generate_model(std::atoi(argv[1]));
  return 0;
}
