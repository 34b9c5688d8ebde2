// The TOML loader: any text -> model::load (what `greenlight validate` and every start and
// reload run). Never a crash or an escaped exception; a result is a model or errors, never
// both; every error has a message and a position in the file it names.

#include "fuzz/fuzz.h"
#include "model/load.h"

GREENLIGHT_FUZZ_TARGET(model_load) {
  using namespace greenlight;
  const model::LoadResult r = model::load(fuzz::text_of(data, size), "/etc/greenlight/fuzz.toml");
  GREENLIGHT_FUZZ_CHECK(r.ok() == (r.model != nullptr));
  for (const model::ConfigError& e : r.errors) {
    GREENLIGHT_FUZZ_CHECK(!e.message.empty());
    GREENLIGHT_FUZZ_CHECK(e.line >= 0 && e.column >= 0);
    GREENLIGHT_FUZZ_CHECK(!model::format(e).empty());
  }
  return 0;
}
