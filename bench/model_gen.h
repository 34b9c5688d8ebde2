#pragma once

// Generates a layered model as TOML, for benchmarks: `components` components in 10 layers;
// each component outside the bottom layer depends on 11 components of the next layer near
// its own position (services call their neighbours, not the whole fleet), so the average
// is ~10 dependencies per component; 80% critical, 15% degrading, 5% informational.
// Every component has one tcp signal; one flow per 100 components over the top layer.

#include <algorithm>
#include <cstdint>
#include <vector>
#include <random>
#include <string>

namespace greenlight::bench {

inline constexpr int kLayers = 10;
inline constexpr int kDependencies = 11;

inline std::string component_id(int layer, int position) {
  return "c" + std::to_string(layer) + "_" + std::to_string(position);
}

inline std::string generate_model(int components, std::uint32_t seed = 42) {
  std::mt19937 rng(seed);
  const int width = components / kLayers;
  std::uniform_int_distribution<int> offset(-25, 25);
  std::uniform_int_distribution<int> percent(0, 99);
  std::string out;
  out.reserve(static_cast<std::size_t>(components) * 320);
  out += "[daemon]\ninterval = \"10s\"\n\n";
  for (int l = 0; l < kLayers; ++l) {
    for (int p = 0; p < width; ++p) {
      const std::string id = component_id(l, p);
      out += "[components." + id + "]\n";
      if (l + 1 < kLayers) {
        out += "depends_on = [";
        std::vector<int> used;
        for (int d = 0; d < kDependencies; ++d) {
          int target = 0;
          do {
            target = ((p + offset(rng)) % width + width) % width;
          } while (std::find(used.begin(), used.end(), target) != used.end());
          used.push_back(target);
          const int r = percent(rng);
          const char* impact = r < 80 ? nullptr : r < 95 ? "degrading" : "informational";
          if (d) out += ", ";
          if (impact) {
            out += "{ component = \"" + component_id(l + 1, target) + "\", impact = \"" + impact + "\" }";
          } else {
            out += "\"" + component_id(l + 1, target) + "\"";
          }
        }
        out += "]\n";
      }
      out += "  [[components." + id + ".signals]]\n  id = \"tcp\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:" +
             std::to_string(1024 + (l * width + p) % 60000) + "\"\n";
    }
  }
  const char* criticality[] = {"high", "medium", "low"};
  for (int f = 0; f < components / 100; ++f) {
    out += "[flows.f" + std::to_string(f) + "]\ncriticality = \"" + criticality[f % 3] + "\"\nsteps = [";
    for (int s = 0; s < 5; ++s) {
      out += std::string(s ? ", " : "") + "\"" + component_id(0, (f * 7 + s * 13) % width) + "\"";
    }
    out += "]\n";
  }
  return out;
}

}  // namespace greenlight::bench
