#!/usr/bin/python3
"""packaging/kubernetes (SPEC 6.5): the manifests parse (python3-yaml) and carry what
matters: two greenlight replicas per shard in one StatefulSet behind a headless Service,
the shard and the peer computed from the pod ordinal by the entrypoint (run here for every
pod, its config checked by `greenlight validate`), the token and state mounted where the
config says, and two Alertmanagers gossiping with every greenlight replica posting to both.

Usage: kubernetes_test.py GREENLIGHT_BINARY
"""

import os
import subprocess
import sys
import tempfile
import tomllib

import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
K8S = os.path.join(ROOT, "packaging", "kubernetes")


def load(name):
    with open(os.path.join(K8S, name)) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def headless_service_of(docs, sts):
    svc = docs[("Service", sts["spec"]["serviceName"])]
    check(svc["spec"]["clusterIP"] == "None", "the StatefulSet's Service is headless")
    labels = sts["spec"]["template"]["metadata"]["labels"]
    check(sts["spec"]["selector"]["matchLabels"] == labels, "the selector matches the pod labels")
    check(svc["spec"]["selector"] == labels, "the Service selects the pods")
    return svc


def render_pod_configs(binary, docs, sts):
    """Runs the entrypoint as every pod would; returns {ordinal: parsed config}."""
    cm = docs[("ConfigMap", "greenlight")]["data"]
    container = sts["spec"]["template"]["spec"]["containers"][0]
    env = {k: v for k, v in env_of(container).items() if v is not None}  # NAMESPACE comes from the pod
    check("NAMESPACE" in env_of(container), "the namespace from the pod's metadata")
    configs = {}
    with tempfile.TemporaryDirectory() as tmp:
        model_dir, run_dir = os.path.join(tmp, "model"), os.path.join(tmp, "run")
        os.makedirs(model_dir)
        os.makedirs(run_dir)
        with open(os.path.join(model_dir, "model.toml"), "w") as f:
            f.write(cm["model.toml"])
        script = (cm["entrypoint.sh"].replace("/etc/greenlight/model", model_dir)
                  .replace("/run/greenlight", run_dir).replace("exec greenlight run", "exec true"))
        for ordinal in range(sts["spec"]["replicas"]):
            pod_env = dict(os.environ, HOSTNAME=f"{sts['metadata']['name']}-{ordinal}",
                           NAMESPACE=sts["metadata"]["namespace"], **env)
            subprocess.run(["/bin/sh", "-c", script], env=pod_env, check=True)
            path = os.path.join(run_dir, "model.toml")
            result = subprocess.run([binary, "validate", path], capture_output=True, text=True)
            check(result.returncode == 0, f"pod {ordinal}'s config is valid: {result.stderr}")
            with open(path, "rb") as f:
                configs[ordinal] = tomllib.load(f)
    return configs


def check_greenlight(binary):
    docs = load("greenlight.yaml")
    sts = docs[("StatefulSet", "greenlight")]
    svc = headless_service_of(docs, sts)
    container = sts["spec"]["template"]["spec"]["containers"][0]
    shards = int(env_of(container)["SHARDS"])
    check(sts["spec"]["replicas"] == 2 * shards, "two replicas per shard")
    check(sts["spec"].get("podManagementPolicy") == "Parallel", "replicas start together")
    configs = render_pod_configs(binary, docs, sts)
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    per_shard = {}
    for ordinal, cfg in configs.items():
        cluster, daemon = cfg["cluster"], cfg["daemon"]
        check(cluster["shards"] == shards and cluster["shard"] == ordinal // 2, f"pod {ordinal}: shard from ordinal")
        check(cluster["replica"] == f"greenlight-{ordinal}", "each replica its own name")
        per_shard.setdefault(cluster["shard"], []).append(ordinal)
        check(len(cluster["peers"]) == 1, "one peer: the other replica of the shard")
        peer = cluster["peers"][0]
        peer_ordinal = int(peer.split("//")[1].split(".")[0].rsplit("-", 1)[1])
        check(peer_ordinal != ordinal and peer_ordinal // 2 == ordinal // 2, f"pod {ordinal}: peer in its shard")
        check(f".{svc['metadata']['name']}.monitoring.svc:9750" in peer, "the peer by its headless DNS name")
        check(daemon["state_dir"].startswith(mounts["state"]), "state_dir on the persistent volume")
        check(daemon["auth_token_file"].startswith(mounts["token"]), "the shared token mounted")
        urls = cfg["alerting"]["receivers"]["alertmanager"]["urls"]
        check(len(urls) == 2 and all("alertmanager-" in u for u in urls), "every Alertmanager, no load balancer")
    check(all(len(p) == 2 for p in per_shard.values()) and len(per_shard) == shards, "2 replicas in every shard")
    claims = [c["metadata"]["name"] for c in sts["spec"]["volumeClaimTemplates"]]
    check("state" in claims, "state_dir is a volume claim")


def check_alertmanager():
    docs = load("alertmanager.yaml")
    sts = docs[("StatefulSet", "alertmanager")]
    svc = headless_service_of(docs, sts)
    check(sts["spec"]["replicas"] == 2, "two Alertmanagers")
    check({p["port"] for p in svc["spec"]["ports"]} == {9093, 9094}, "web and gossip ports")
    check(svc["spec"].get("publishNotReadyAddresses") is True, "peers find each other before ready")
    args = sts["spec"]["template"]["spec"]["containers"][0]["args"]
    peers = [a for a in args if a.startswith("--cluster.peer=")]
    check(len(peers) == 2, "each Alertmanager knows both")
    check(any(a.startswith("--cluster.listen-address=") for a in args), "gossip listens")
    check(any(a.startswith("--cluster.advertise-address=") for a in args), "and advertises the pod IP")
    config = yaml.safe_load(docs[("ConfigMap", "alertmanager")]["data"]["alertmanager.yml"])
    check(config["route"]["group_by"] == ["root_cause"], "grouped by greenlight's root cause")


check_greenlight(sys.argv[1])
check_alertmanager()
print("ok: packaging/kubernetes")
