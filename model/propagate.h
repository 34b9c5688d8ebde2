#pragma once

// Component, flow and overall states (SPEC 1): worst of a component's own signals (or its
// redundancy group rule), combined with its dependencies after impact; flows are the worst
// of their steps after impact; overall is the worst of the high-criticality flows (of all
// flows when none is high; of all components when the model has no flows).
//
// Propagation is incremental: propagate() recomputes only what depends, directly or
// transitively, on the seeds it is given, in topological order, and stops where a
// recomputed state did not change. It returns exactly the states that changed: the engine
// turns them into log lines and history events (engine/narrate.h), and any change triggers
// an alert pass, which reads the resulting state as a whole (an alert's decision depends
// on time as well as on changes: alert_after, silences ending, hold-down).
// Pure: `now` is a parameter, nothing is logged.
//
// Worked example (the seed's shop): recommendations goes red. The front end depends on it
// with impact "degrading", so the front end becomes yellow (reason: depends on
// "recommendations" (degrading), which is red); flows that pass the front end become
// yellow; check out, whose steps do not include recommendations, is recomputed only if
// one of its steps changed, and stays green otherwise.

#include <span>
#include <string>
#include <vector>

#include "model/evaluate.h"
#include "model/model.h"

namespace greenlight::model {

// Why a node has its state, compactly; describe() renders it against the model.
enum class ReasonKind : std::uint8_t {
  None,        // not evaluated yet
  NoSignals,   // nothing to decide on: no signals, members or dependencies (unknown), or
               // only dependencies, all green
  Signals,     // own signals all green
  Signal,      // own signal `ref` (a SignalIndex) decided
  Dependency,  // dependency number `ref` (index into Graph::dependencies(v)) decided
  Group,       // the redundancy group rule over its members decided
  Steps,       // flow: all steps green
  Step,        // flow: step number `ref` decided
  Flows,       // overall: all (high-criticality) flows green
  Flow,        // overall: flow `ref` decided
  Components,  // overall of a model without flows: all components green
  Component,   // overall of a model without flows: component `ref` decided
  Simulated,   // a what-if simulation set this component's own state (HealthState::simulated)
  Trend,       // flow: otherwise green, trending toward a problem (HealthState::flow_trends)
};

struct Reason {
  ReasonKind kind = ReasonKind::None;
  std::uint32_t ref = kNoIndex;
  friend bool operator==(const Reason&, const Reason&) = default;
};

struct NodeState {
  Health state = Health::Unknown;
  Reason reason;
  TimePoint since{};
};

// All mutable evaluation state for one Model. Owned by one thread (the core).
struct HealthState {
  std::vector<SignalState> signals;
  std::vector<NodeState> components;
  std::vector<NodeState> flows;
  NodeState overall;
  // Per flow, why it trends toward a problem (SPEC 6.2: a warning burn alert fires), or
  // empty; a flow otherwise green is yellow while it has one. Empty vector: none does.
  std::vector<std::string> flow_trends;

  // Everything unknown since `now`, nothing evaluated; call evaluate_all() next.
  static HealthState initial(const Model& m, TimePoint now);

  // What-if simulations only (whatif/simulate.h): per component, a state that replaces
  // what its own signals or group rule say; its dependencies still apply. Empty in the
  // engine, which never sets it.
  std::vector<std::optional<Health>> simulated;

  // Scratch space reused by propagate(): one flag per component and flow.
  std::vector<std::uint8_t> queued_components;
  std::vector<std::uint8_t> queued_flows;
};

struct StateChange {
  std::uint32_t index = 0;  // ComponentIndex or FlowIndex
  Health from = Health::Unknown;
  Health to = Health::Unknown;
};

// The states that changed in one evaluation, in evaluation order (dependencies first).
struct Changes {
  std::vector<StateChange> signals;
  std::vector<StateChange> components;
  std::vector<StateChange> flows;
  std::optional<StateChange> overall;
  bool empty() const { return signals.empty() && components.empty() && flows.empty() && !overall; }
};

// A redundancy group's members by state and its quotas resolved (SPEC 1), and the state
// the group rule gives them (unknown when unknown members leave it undecided).
struct GroupCounts {
  std::uint32_t members = 0, green = 0, red = 0, unknown = 0;
  std::uint32_t healthy_min = 0, available_min = 0;
};
GroupCounts count_group(const Component& c, const HealthState& st);
Health group_state(const GroupCounts& g);

// Recomputes every component, flow and the overall state.
Changes evaluate_all(const Model& m, HealthState& st, TimePoint now);

// Recomputes the seeds (components whose own inputs changed) and what depends on them.
Changes propagate(const Model& m, HealthState& st, std::span<const ComponentIndex> seeds, TimePoint now);

// Steps one signal with a probe outcome and propagates if its state changed.
Changes apply_result(const Model& m, HealthState& st, SignalIndex signal, const ProbeOutcome& outcome,
                     TimePoint now, Tolerance tolerance = Tolerance::Apply);

// Sets or clears (empty `reason`) a flow's trend and re-evaluates the flow and overall.
Changes set_flow_trend(const Model& m, HealthState& st, FlowIndex f, std::string reason, TimePoint now);

// Turns every signal without a result for its stale_after into unknown, and propagates.
Changes expire_stale(const Model& m, HealthState& st, TimePoint now);

// The deepest components whose own signals explain a state (SPEC 1, "Root causes").
struct RootCause {
  ComponentIndex component = kNoIndex;
  SignalIndex signal = kNoIndex;  // kNoIndex: the component has no signal to blame (e.g. none)
  Health state = Health::Unknown;
};
std::vector<RootCause> root_causes_of_component(const Model& m, const HealthState& st, ComponentIndex c);
std::vector<RootCause> root_causes_of_flow(const Model& m, const HealthState& st, FlowIndex f);
std::vector<RootCause> root_causes_overall(const Model& m, const HealthState& st);
// Every component on the paths that explain `c`'s state, `c` included (the walk root
// causes take): what alert suppression looks at.
std::vector<ComponentIndex> explanation_of_component(const Model& m, const HealthState& st, ComponentIndex c);

// Human reasons: `depends on "db" (critical), which is red`.
std::string describe_component(const Model& m, const HealthState& st, ComponentIndex c);
std::string describe_flow(const Model& m, const HealthState& st, FlowIndex f);
std::string describe_overall(const Model& m, const HealthState& st);
// `db/tcp: connection refused`.
std::string describe_root_cause(const Model& m, const HealthState& st, const RootCause& rc);

}  // namespace greenlight::model
