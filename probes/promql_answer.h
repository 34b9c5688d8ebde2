#pragma once

// Reads the answer of Prometheus' instant query API (GET /api/v1/query) for the
// `prometheus` probe: the first sample of an instant vector, or a scalar. Pure: the probe
// makes the request; fuzz/ drives this with arbitrary answers.

#include <string>
#include <string_view>

#include "model/evaluate.h"

namespace greenlight::probes {

// `status` is the HTTP status, `body` the answer, `query` the PromQL text (for messages).
// A failed outcome (ok = false) says why; an empty vector is ok with no value (unknown).
model::ProbeOutcome read_query_answer(int status, std::string_view body, const std::string& query);

}  // namespace greenlight::probes
