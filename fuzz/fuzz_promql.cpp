// The PromQL answer reader (the prometheus probe): any HTTP status and body as Prometheus'
// /api/v1/query might answer -> read_query_answer. A failed outcome says why; an ok one
// has a value or says the vector was empty.

#include <string>

#include "fuzz/fuzz.h"
#include "probes/promql_answer.h"

GREENLIGHT_FUZZ_TARGET(promql) {
  using namespace greenlight;
  // The first two bytes pick the status: mostly 200, the rest anything from 0 to 599.
  int status = 200;
  if (size >= 2) {
    const int pick = (data[0] << 8 | data[1]) % 1200;
    if (pick < 600) status = pick;
    data += 2;
    size -= 2;
  }
  const model::ProbeOutcome o = probes::read_query_answer(status, fuzz::text_of(data, size), "up{job=\"x\"}");
  GREENLIGHT_FUZZ_CHECK(!o.message.empty());
  if (!o.ok) GREENLIGHT_FUZZ_CHECK(!o.value.has_value());
  return 0;
}
