#pragma once

// The immutable health model built by model::load(): components with their signals, flows,
// the dependency graph, and the daemon / alerting / action configuration (SPEC section 5).
// A Model is built once and then only read; share it as std::shared_ptr<const Model>.

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "model/graph.h"
#include "model/inventory.h"
#include "model/objective.h"
#include "schedule/next_due.h"
#include "model/types.h"

namespace greenlight::model {

using Labels = std::map<std::string, std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

// ---- signals -------------------------------------------------------------------------

enum class ProbeKind : std::uint8_t { Http, Tcp, Exec, Tls, Heartbeat, FileAge, Prometheus, Scrape };
std::string_view to_string(ProbeKind k);
std::optional<ProbeKind> parse_probe_kind(std::string_view s);
// Every kind's name, in enum order.
std::vector<std::string> probe_kind_names();
// Every receiver type's name, in enum order.
std::vector<std::string> receiver_type_names();

struct HttpSpec {
  std::string url;
  std::string method = "GET";
  Headers headers;
  std::string body;
  std::vector<int> expect_status;  // empty: any 2xx
  std::string expect_body;         // ECMAScript regex searched in the body; empty: none
  std::string ca_file;             // absolute after load
  bool tls_verify = true;
  bool keepalive = false;          // reuse the connection between probes (opt-in)
  friend bool operator==(const HttpSpec&, const HttpSpec&) = default;
};
struct TcpSpec {
  std::string target;  // host:port
  friend bool operator==(const TcpSpec&, const TcpSpec&) = default;
};
struct ExecSpec {
  std::vector<std::string> command;  // argv; argv[0] resolved against the config's directory
  friend bool operator==(const ExecSpec&, const ExecSpec&) = default;
};
struct TlsSpec {
  std::string target;       // host:port
  std::string server_name;  // SNI and name to verify; default: the host of target
  std::string ca_file;
  friend bool operator==(const TlsSpec&, const TlsSpec&) = default;
};
// A secret is never stored in the model: only where to read it from.
struct SecretRef {
  std::string file;  // absolute after load
  std::string env;
  bool empty() const { return file.empty() && env.empty(); }
  friend bool operator==(const SecretRef&, const SecretRef&) = default;
};

// A push heartbeat (SPEC 5 and 6.4). Unscheduled: red after `red_after` without a ping
// (folded into the signal's thresholds on the age). Scheduled: due by a cron `schedule` in
// `timezone` or every `period`; late within `grace` is yellow, later red.
struct HeartbeatSpec {
  std::string schedule_text;        // the cron expression as written; empty: none
  std::optional<Duration> period;   // instead of a schedule
  std::string timezone = "UTC";     // IANA name of the schedule's zone
  Duration grace{0};
  std::optional<Duration> max_runtime;  // after a start ping, no finish within it: red
  std::optional<Duration> red_after;    // unscheduled: the deadline after the last ping
  SecretRef token;                      // a token for this heartbeat's pings only
  // The parsed schedule (zone resolved); null when unscheduled. A period is due that long
  // after the last ping (probes::judge_heartbeat sets its anchor), not on a fixed grid.
  std::shared_ptr<const schedule::Schedule> when;
  bool scheduled() const { return when != nullptr; }
  friend bool operator==(const HeartbeatSpec& a, const HeartbeatSpec& b) {
    return a.schedule_text == b.schedule_text && a.period == b.period && a.timezone == b.timezone &&
           a.grace == b.grace && a.max_runtime == b.max_runtime && a.red_after == b.red_after && a.token == b.token;
  }
};
struct FileAgeSpec {
  std::string path;  // absolute after load
  friend bool operator==(const FileAgeSpec&, const FileAgeSpec&) = default;
};
struct PromQuerySpec {
  std::string url;  // Prometheus base URL
  std::string query;
  friend bool operator==(const PromQuerySpec&, const PromQuerySpec&) = default;
};
struct ScrapeSpec {
  std::string url;  // a /metrics endpoint
  std::string metric;
  Labels labels;  // exact-match label matchers
  friend bool operator==(const ScrapeSpec&, const ScrapeSpec&) = default;
};
using ProbeSpec = std::variant<HttpSpec, TcpSpec, ExecSpec, TlsSpec, HeartbeatSpec, FileAgeSpec,
                               PromQuerySpec, ScrapeSpec>;

// Maps a signal's value to a state. `above` thresholds trigger when value > threshold,
// `below` ones when value < threshold.
struct Thresholds {
  std::optional<double> yellow_above, red_above, yellow_below, red_below;
  bool empty() const { return !yellow_above && !red_above && !yellow_below && !red_below; }
  friend bool operator==(const Thresholds&, const Thresholds&) = default;
};

struct Signal {
  std::string id;
  ComponentIndex component = kNoIndex;
  ProbeKind kind = ProbeKind::Http;
  ProbeSpec spec;
  Duration interval{10'000};
  Duration timeout{10'000};
  Duration stale_after{30'000};  // no result for this long: unknown
  int failures = 1;              // consecutive bad runs before a worse state
  int successes = 1;             // consecutive good runs before a better state
  Thresholds thresholds;         // for heartbeat and file_age, *_after are folded in (seconds)
  std::optional<Trend> trend;    // SPEC 6.2: yellow while heading for red (needs a red threshold)
  std::optional<Duration> rpo;   // SPEC 6.2: a heartbeat's recovery point objective (its red_after)
  std::string description;

  // Same measurement and same rules: a reload keeps such a signal's state and counters.
  bool same_measurement(const Signal& o) const {
    return id == o.id && kind == o.kind && spec == o.spec && interval == o.interval && timeout == o.timeout &&
           stale_after == o.stale_after && failures == o.failures && successes == o.successes &&
           thresholds == o.thresholds && trend == o.trend && rpo == o.rpo;
  }
};

// ---- components and flows ------------------------------------------------------------

// A count or a percentage of a redundancy group's members ("2" or "50%").
struct Quota {
  bool percent = false;
  std::uint32_t value = 0;
  // The member count this quota requires out of `members` (percentages round up).
  std::uint32_t resolve(std::uint32_t members) const {
    return percent ? static_cast<std::uint32_t>((static_cast<std::uint64_t>(members) * value + 99) / 100)
                   : value;
  }
};

struct Dependency {
  ComponentIndex component = kNoIndex;
  Impact impact = Impact::Critical;
};

struct Component {
  std::string id;
  std::string name;  // defaults to id
  std::string description, runbook, owner;
  Criticality criticality = Criticality::Medium;  // used for component alerts
  bool alert = false;
  Labels labels;
  SignalIndex first_signal = 0;  // signals are model.signals[first_signal, first_signal+signal_count)
  std::uint32_t signal_count = 0;
  std::vector<Dependency> depends_on;
  std::vector<ComponentIndex> members;  // non-empty: a redundancy group
  std::optional<Quota> healthy_min;     // default: all members
  std::optional<Quota> available_min;   // default: 1
  bool is_group() const { return !members.empty(); }
};

struct FlowStep {
  ComponentIndex component = kNoIndex;
  Impact impact = Impact::Critical;
};

struct Flow {
  std::string id;
  std::string name;
  std::string description, runbook, owner;
  FlowKind kind = FlowKind::User;
  Criticality criticality = Criticality::Medium;
  std::vector<FlowStep> steps;
  std::optional<Duration> alert_after;
  Labels labels;
  std::optional<Objective> objective;  // SPEC 6.2
  std::optional<Duration> rto;         // an incident lasting longer escalates to critical
};

// ---- daemon, alerting, actions -------------------------------------------------------

struct DaemonConfig {
  std::string listen = "127.0.0.1:9750";
  std::string state_dir = "state";  // absolute after load (relative to the config's directory)
  Duration interval{10'000};
  std::string auth_token_file;  // empty: no auth
  std::string read_token_file;  // empty: reads are open; else every /api/ read needs it (or the admin token)
  std::string tls_cert_file, tls_key_file;  // both or neither: HTTPS on `listen`
  std::string external_url;     // base of dashboard links in alerts; default http://LISTEN/
  std::string log_level = "info";
};
// Whether a `listen` HOST:PORT is on loopback (127.x, localhost, [::1]).
bool is_loopback_listen(std::string_view listen);

enum class Severity : std::uint8_t { None, Info, Warning, Error, Critical };
std::string_view to_string(Severity s);
std::optional<Severity> parse_severity(std::string_view s);

// Severity of an alert for (criticality, state). SPEC 2 defaults; [alerting.severity] overrides.
struct SeverityMatrix {
  Severity at[3][kHealthCount]{};  // [Criticality][Health]
  SeverityMatrix();
  Severity of(Criticality c, Health h) const {
    return at[static_cast<int>(c)][static_cast<int>(h)];
  }
};

// [alerting.flapping] (SPEC 6.1), Icinga 2's thresholds: a signal starts flapping when its
// weighted share of state changes (model/flapping.h) is above `high` percent, and stops
// when it is no longer above `low`. 0 < low <= high <= 100; high = 100 turns it off (the
// share never exceeds 99 %).
struct FlappingPolicy {
  double high = 30;
  double low = 25;
};

enum class ReceiverType : std::uint8_t { Webhook, Alertmanager, PagerDuty, Slack };
std::string_view to_string(ReceiverType t);

struct Receiver {
  std::string name;
  ReceiverType type = ReceiverType::Webhook;
  std::string url;      // webhook, alertmanager (base URL), pagerduty (optional), slack (plain)
  // alertmanager: every Alertmanager of a cluster (SPEC 6.5), `url` first; `url` is urls[0].
  std::vector<std::string> urls;
  SecretRef secret;     // webhook signing secret, pagerduty routing key, slack URL
  Headers headers;      // webhook only
  Duration timeout{10'000};
};

struct LabelRegex {
  std::string label;
  std::string pattern;
  std::regex re;
};

struct Route {
  std::string receiver;  // empty: inherit the parent's
  Labels match;
  std::vector<LabelRegex> match_re;  // anchored, as Alertmanager's
  Severity min_severity = Severity::Info;
  // Alerts with the same values of these labels form one group: one notification per
  // group and receiver (SPEC 6.1). Default: one group per root cause. `group_by = ["..."]`
  // (group_by_all): one group per alert, i.e. each alert alone, as in Alertmanager.
  // `group_by = []`: every alert of the route in one group. A child route without
  // group_by inherits its parent's.
  std::vector<std::string> group_by{"root_cause"};
  bool group_by_all = false;
  bool grouped() const { return !group_by_all; }
  Duration group_wait{0};
  Duration group_interval{300'000};
  Duration repeat_interval{4 * 3'600'000};
  bool continue_matching = false;  // TOML key `continue`
  std::vector<Route> routes;
};

struct SilenceConfig {
  Labels match;
  TimePoint starts_at{};
  TimePoint ends_at{};
  std::string author, comment;
};

struct AlertingConfig {
  SeverityMatrix severity;
  FlappingPolicy flapping;
  // Recovery hold-down (SPEC 6.1): a dependent's alert suppressed because of a component
  // that recovered waits up to this long for its own signals to re-run before it pages.
  Duration hold_down{120'000};
  std::vector<Receiver> receivers;
  std::vector<Route> routes;
  std::vector<SilenceConfig> silences;
};

struct Action {
  std::string name;
  ComponentIndex component = kNoIndex;  // exactly one of component / flow is set
  FlowIndex flow = kNoIndex;
  Health state = Health::Red;
  Duration for_duration{0};
  std::vector<std::string> run;  // argv, no shell
  std::string url;               // POST a JSON description of the trigger
  Duration timeout{30'000};
  Duration cooldown{300'000};
  int max_attempts = 3;
  Duration window{3'600'000};
  bool during_silence = false;
  // A run that succeeded must leave its target green within this, or it counts as a failed
  // attempt (default: two intervals of the target's slowest signal).
  Duration verify_within{0};
};

// [cluster] (SPEC 6.5, model/cluster.h): replicas of one model and shards of its flows.
struct ClusterConfig {
  std::string replica;             // this replica's name; "" when not set
  std::vector<std::string> peers;  // base URLs of the other replicas of this model and shard
  std::uint32_t shards = 1;
  std::uint32_t shard = 0;
};

// ---- the model -----------------------------------------------------------------------

struct Model {
  std::string source_path;  // the file it was loaded from, as given
  DaemonConfig daemon;
  std::vector<Component> components;
  std::vector<Signal> signals;
  std::vector<Flow> flows;
  AlertingConfig alerting;
  std::vector<Action> actions;
  // One burn alert "slo/FLOW/SEVERITY" per flow with an objective and severity of its
  // burn_alerts, in flow order (SPEC 6.2).
  struct SloAlert {
    FlowIndex flow = kNoIndex;
    Severity severity = Severity::None;
  };
  std::vector<SloAlert> slo_alerts;
  ClusterConfig cluster;
  Graph graph;  // edges component -> dependency (and group -> member)
  std::vector<Inventory> inventories;  // the groups with members_from, in file order

  // Flows that have the component as a step, for incremental propagation.
  std::vector<std::vector<FlowIndex>> flows_of_component;

  std::optional<ComponentIndex> find_component(std::string_view id) const;
  std::optional<FlowIndex> find_flow(std::string_view id) const;
  // `component/signal` lookup, as used by the heartbeat endpoint.
  std::optional<SignalIndex> find_signal(std::string_view component, std::string_view signal) const;
  // "component/signal": a signal's name in logs, heartbeats, saved state and schedules.
  std::string signal_key(SignalIndex s) const { return components[signals[s].component].id + "/" + signals[s].id; }

  std::unordered_map<std::string, ComponentIndex> component_index;
  std::unordered_map<std::string, FlowIndex> flow_index;
};

}  // namespace greenlight::model
