// The one measure of map quality for the projection benchmark (scripts/bench/projection.mjs):
// every tool's output goes through the core's trustworthiness and 10-NN preservation.
//   embedlab_map_quality HIGH.f32 DIM LOW.f32 N [SAMPLE]
// HIGH: N×DIM float32 (the unit vectors all tools were given); LOW: N×2 float32. Prints JSON.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/layout_quality.h"

namespace {

std::vector<float> read_floats(const char* path, std::size_t count) {
  std::vector<float> out(count);
  std::ifstream in(path, std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(count * sizeof(float)))) {
    std::fprintf(stderr, "map_quality: cannot read %zu floats from %s\n", count, path);
    std::exit(1);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: embedlab_map_quality HIGH.f32 DIM LOW.f32 N [SAMPLE]\n");
    return 2;
  }
  const auto dim = static_cast<std::size_t>(std::atol(argv[2]));
  const auto n = static_cast<std::size_t>(std::atol(argv[4]));
  embedlab::QualityOptions options;
  options.sample = argc > 5 ? static_cast<std::size_t>(std::atol(argv[5])) : 1000;
  options.seed = 1;
  options.threads = 2;
  const std::vector<float> high = read_floats(argv[1], n * dim), low = read_floats(argv[3], n * 2);
  const double t = embedlab::trustworthiness(high.data(), dim, low.data(), 2, n, 10, options);
  const double p = embedlab::neighbour_preservation(high.data(), dim, low.data(), 2, n, 10, options);
  std::printf("{\"trustworthiness\": %.6f, \"preservation\": %.6f, \"sample\": %zu}\n", t, p, options.sample);
  return 0;
}
