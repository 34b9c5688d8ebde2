#include "model/flapping.h"

namespace greenlight::model {

double flapping_percent(std::uint32_t changes) {
  // Icinga 2: 100 * sum(0.8 + 0.02 * i) / 20 over the changes, i = 0 for the oldest of the
  // 20. In fiftieths, the weight of the change k results ago (i = 19 - k) is 59 - k, and
  // 100 / 20 / 50 = 1 / 10: the sum of (59 - k) is the share in tenths of a percent, exact.
  int tenths = 0;
  for (int k = 0; k < kFlapTransitions; ++k) {
    if (changes & (std::uint32_t{1} << k)) tenths += 59 - k;
  }
  return tenths / 10.0;
}

FlapHistory record_result(FlapHistory h, bool changed, const FlappingPolicy& p) {
  constexpr std::uint32_t kMask = (std::uint32_t{1} << kFlapTransitions) - 1;
  h.changes = ((h.changes << 1) | (changed ? 1u : 0u)) & kMask;
  const double share = flapping_percent(h.changes);
  h.flapping = h.flapping ? share > p.low : share > p.high;
  return h;
}

}  // namespace greenlight::model
