#pragma once

// `greenlight slo FILE --format openslo|prometheus` (SPEC 6.2): a model's objectives as
// OpenSLO v1 documents, or as Prometheus recording and alerting rules over greenlight's
// own metrics, for users who evaluate objectives centrally (Thanos, Mimir). Pure: text
// from the model.
//
// The rules compute the burn rate the daemon computes, from greenlight_flow_state (1 for
// the flow's current state, scraped): over a window, the red samples divided by the
// samples that were not unknown, divided by 1 - target:
//   greenlight_slo:burn_rate{flow="checkout", window="1h"}
// and one alert per burn alert, GreenlightErrorBudgetBurn, while both its windows exceed
// the factor. Differences, by nature: the rules count scrapes, the daemon milliseconds;
// Prometheus resolves an alert as soon as either window drops below the factor (the
// daemon holds it until the short one does).

#include <string>

#include "model/model.h"

namespace greenlight::model {

enum class SloFormat { OpenSlo, Prometheus };
std::optional<SloFormat> parse_slo_format(std::string_view s);

std::string export_slos(const Model& m, SloFormat format);

}  // namespace greenlight::model
