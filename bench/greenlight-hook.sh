#!/usr/bin/env bash
# SUT hook for greenlight (contract in ../shared/bench-peers/README.md, "Hook contract"); a copy of
# the shared hook adapted to [alerting.flapping] high/low (issue 11): use SUT_HOOK=bench/greenlight-hook.sh.
#   greenlight-hook.sh w1 DIR K INTERVAL_S URL_PREFIX
#   greenlight-hook.sh w2 DIR FLIP_URL WEBHOOK_URL
# Writes DIR/greenlight.toml (SPEC section 5 schema) and prints the daemon argv.
set -eu
mode=$1; dir=$2; shift 2
port=${SUT_PORT:-19190}
cfg=$dir/greenlight.toml
python3 - "$mode" "$cfg" "$port" "$dir" "$@" <<'PY'
import sys
mode, cfg, port, d = sys.argv[1:5]; a = sys.argv[5:]
L = ["[daemon]", f'listen = "127.0.0.1:{port}"', f'state_dir = "{d}/state"']
if mode == "w1":
    k, interval, prefix = int(a[0]), float(a[1]), a[2]
    L.append(f'interval = "{int(interval*1000)}ms"')
    for i in range(k):
        L += ["", f"[components.t{i}]", f"  [[components.t{i}.signals]]", '  id = "http"',
              '  probe = "http"', f'  url = "{prefix}{i}"', '  timeout = "2s"']
    # flows of 100 components each, so no flow is absurdly wide
    for f in range(0, k, 100):
        steps = ", ".join(f'"t{i}"' for i in range(f, min(k, f + 100)))
        L += ["", f"[flows.f{f//100}]", 'kind = "user"', 'criticality = "low"', f"steps = [{steps}]"]
else:
    flip, hook = a[0], a[1]
    L.append('interval = "1s"')
    L += ["", "[components.flip]", "  [[components.flip.signals]]", '  id = "http"', '  probe = "http"',
          f'  url = "{flip}"', '  timeout = "500ms"', "  failures = 1",
          "", "[flows.flip]", 'kind = "user"', 'criticality = "high"', 'steps = ["flip"]',
          "", "[alerting.receivers.hook]", 'type = "webhook"', f'url = "{hook}"',
          "", "[[alerting.routes]]", 'receiver = "hook"', 'min_severity = "info"', 'group_wait = "0s"', 'group_by = ["..."]',
          # the peers run without flap detection (Icinga: enable_flapping = false; Prometheus has none);
          # since issue 11 flapping is Icinga's measure, [alerting.flapping] high = 100 turns it off.
          # Each alert alone (group_by = ["..."]), as the peers page per alert.
          "", "[alerting.flapping]", "high = 100"]
open(cfg, "w").write("\n".join(L) + "\n")
PY
printf '%s\n' run "$cfg"
