"""Runs a composite GitHub Action (action.yml) the way the Actions runner does,
for the tests of ci/action.yml.

What it reproduces (docs.github.com, "Metadata syntax" and "Workflow commands"):
- action.yml read by a real YAML parser (PyYAML's safe_load), `runs.using: composite`;
- inputs: the `with:` values, else each input's default; a `with:` key the action
  does not declare is an error (GitHub warns), and so is `${{ inputs.x }}` of an
  undeclared x. As for every composite action, inputs reach the steps only
  through `${{ inputs.x }}` expressions; no INPUT_* variables are set;
- expressions `${{ ... }}` over the contexts inputs, github (event included),
  runner, steps and env, with literals, == != (strings compared ignoring case),
  && || ! and parentheses, and success() always() failure(); in `if:` the
  ${{ }} is optional and the default is success();
- `shell: bash` steps as `bash --noprofile --norc -eo pipefail FILE` in
  GITHUB_WORKSPACE, with GITHUB_ACTION_PATH, GITHUB_* and RUNNER_* variables,
  and fresh GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY files
  per step: outputs (name=value and name<<DELIMITER) become
  steps.<id>.outputs, GITHUB_ENV and GITHUB_PATH apply to later steps, and the
  summaries are joined into the job summary;
- `uses:` steps only for actions with a stand-in here: actions/cache (restore by
  exact key from a directory, save at the end of the job as its post step does);
- the action's outputs evaluated from `outputs.<name>.value`.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

import yaml


class ActionError(Exception):
    """The action is invalid or uses something this runner cannot run."""


@dataclass
class JobResult:
    success: bool
    outputs: dict
    summary: str
    log: str
    steps: dict = field(default_factory=dict)


# --- expressions -------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_*][A-Za-z0-9_-]*)*))")


class Expression:
    def __init__(self, text, contexts):
        self.tokens = self._tokenize(text)
        self.pos = 0
        self.contexts = contexts

    @staticmethod
    def _tokenize(text):
        tokens, pos = [], 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            match = _TOKEN.match(text, pos)
            if not match:
                raise ActionError(f"expression {text!r}: cannot read {text[pos:]!r}")
            kind = match.lastgroup
            tokens.append((kind, match.group(kind)))
            pos = match.end()
        return tokens

    def evaluate(self):
        value = self._or()
        if self.pos != len(self.tokens):
            raise ActionError(f"expression: unexpected {self.tokens[self.pos][1]!r}")
        return value

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def _take(self, op=None):
        token = self._peek()
        if op is not None and token != ("op", op):
            raise ActionError(f"expression: expected {op!r}, found {token[1]!r}")
        self.pos += 1
        return token

    def _or(self):
        value = self._and()
        while self._peek() == ("op", "||"):
            self._take()
            right = self._and()
            value = value if truthy(value) else right
        return value

    def _and(self):
        value = self._compare()
        while self._peek() == ("op", "&&"):
            self._take()
            right = self._compare()
            value = right if truthy(value) else value
        return value

    def _compare(self):
        value = self._unary()
        while self._peek() in (("op", "=="), ("op", "!=")):
            op = self._take()[1]
            right = self._unary()
            equal = loose_equal(value, right)
            value = equal if op == "==" else not equal
        return value

    def _unary(self):
        if self._peek() == ("op", "!"):
            self._take()
            return not truthy(self._unary())
        return self._primary()

    def _primary(self):
        kind, text = self._take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text)
        if kind == "op" and text == "(":
            value = self._or()
            self._take(")")
            return value
        if kind == "name":
            if self._peek() == ("op", "("):
                self._take()
                self._take(")")
                return self._function(text)
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            return self._lookup(text)
        raise ActionError(f"expression: unexpected {text!r}")

    def _function(self, name):
        status = self.contexts["__status"]
        if name == "success":
            return status
        if name == "failure":
            return not status
        if name == "always":
            return True
        raise ActionError(f"expression: function {name}() is not supported by this runner")

    def _lookup(self, dotted):
        parts = dotted.split(".")
        if parts[0] not in self.contexts or parts[0].startswith("__"):
            raise ActionError(f"expression: unknown context {parts[0]!r} in {dotted!r}")
        if parts[0] == "inputs" and len(parts) > 1 and parts[1] not in self.contexts["inputs"]:
            raise ActionError(f"expression: {dotted!r}: the action declares no input {parts[1]!r}")
        value = self.contexts[parts[0]]
        for part in parts[1:]:
            value = value.get(part) if isinstance(value, dict) else None
        return value


def truthy(value):
    return value not in (None, False, "", 0, 0.0)


def loose_equal(left, right):
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return left == right


def to_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def substitute(text, contexts):
    if not isinstance(text, str):
        return text
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: to_text(Expression(m.group(1), contexts).evaluate()), text)


def condition(text, contexts):
    if text is None:
        return contexts["__status"]
    text = str(text).strip()
    match = re.fullmatch(r"\$\{\{(.*)\}\}", text, re.S)
    return truthy(Expression(match.group(1) if match else text, contexts).evaluate())


# --- workflow command files --------------------------------------------------

def parse_key_values(path):
    """GITHUB_OUTPUT / GITHUB_ENV: name=value lines and name<<DELIMITER blocks."""
    values = {}
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        heredoc = re.fullmatch(r"([^=<]+)<<(.+)", line)
        if heredoc:
            name, delimiter, body = heredoc.group(1), heredoc.group(2), []
            while i < len(lines) and lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise ActionError(f"{path}: {name}<<{delimiter} is never closed")
            i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise ActionError(f"{path}: invalid line {line!r}")
    return values


# --- the runner --------------------------------------------------------------

class CacheStandIn:
    """actions/cache: restore `path` by exact `key` from `store`; save after the job."""

    def __init__(self, store):
        self.store = store
        self.pending = []
        self.restored = []
        self.saved = []

    def run(self, inputs):
        path, key = inputs.get("path", ""), inputs.get("key", "")
        if not path or not key:
            raise ActionError("actions/cache: path and key are required")
        entry = os.path.join(self.store, re.sub(r"[^\w.-]", "_", key))
        if os.path.isdir(entry):
            if os.path.exists(path):
                shutil.rmtree(path)
            shutil.copytree(entry, path, symlinks=True)
            self.restored.append(key)
            return {"cache-hit": "true"}
        self.pending.append((path, entry, key))
        return {"cache-hit": "false"}

    def post(self):
        for path, entry, key in self.pending:
            if os.path.isdir(path) and not os.path.exists(entry):
                shutil.copytree(path, entry, symlinks=True)
                self.saved.append(key)
        self.pending = []


class CompositeRunner:
    def __init__(self, action_dir, workspace, runner_temp, github, env=None, cache=None):
        """`github`: the github context (event_name, sha, ref, repository, api_url,
        event, ...), also exported as GITHUB_* variables; `env`: the runner's
        process environment (PATH, HOME); `cache`: a CacheStandIn."""
        self.action_dir = os.path.abspath(action_dir)
        with open(os.path.join(self.action_dir, "action.yml"), encoding="utf-8") as handle:
            self.action = yaml.safe_load(handle)
        if not isinstance(self.action, dict) or (self.action.get("runs") or {}).get("using") != "composite":
            raise ActionError("action.yml: runs.using must be composite")
        self.workspace = workspace
        self.runner_temp = runner_temp
        self.github = dict(github)
        self.base_env = dict(env if env is not None else os.environ)
        self.cache = cache

    def _github_env(self, event_path):
        g = self.github
        return {
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": self.workspace,
            "GITHUB_EVENT_NAME": g.get("event_name", ""), "GITHUB_EVENT_PATH": event_path,
            "GITHUB_SHA": g.get("sha", ""), "GITHUB_REF": g.get("ref", ""), "GITHUB_REF_NAME": g.get("ref_name", ""),
            "GITHUB_HEAD_REF": g.get("head_ref", ""), "GITHUB_BASE_REF": g.get("base_ref", ""),
            "GITHUB_REPOSITORY": g.get("repository", ""), "GITHUB_API_URL": g.get("api_url", ""),
            "GITHUB_SERVER_URL": g.get("server_url", "https://github.com"), "GITHUB_RUN_ID": g.get("run_id", "1"),
            "GITHUB_ACTION_PATH": self.action_dir, "RUNNER_TEMP": self.runner_temp, "RUNNER_OS": "Linux",
        }

    def run(self, with_inputs, timeout=900):
        declared = self.action.get("inputs") or {}
        unknown = set(with_inputs) - set(declared)
        if unknown:
            raise ActionError(f"unexpected input(s) {sorted(unknown)}; valid: {sorted(declared)}")
        os.makedirs(self.runner_temp, exist_ok=True)
        event_path = os.path.join(self.runner_temp, "event.json")
        with open(event_path, "w", encoding="utf-8") as handle:
            json.dump(self.github.get("event", {}), handle)
        github_ctx = dict(self.github, action_path=self.action_dir, workspace=self.workspace, event_path=event_path)
        contexts = {"github": github_ctx, "runner": {"os": "Linux", "temp": self.runner_temp, "arch": "X64"},
                    "env": {}, "steps": {}, "inputs": {}, "__status": True}
        inputs = {}
        for name, spec in declared.items():
            spec = spec or {}
            if "description" not in spec:
                raise ActionError(f"input {name}: no description")
            if name in with_inputs:
                inputs[name] = to_text(with_inputs[name])
            else:
                inputs[name] = to_text(substitute(to_text(spec.get("default", "")), contexts))
            if spec.get("required") and not inputs[name]:
                raise ActionError(f"input {name} is required")
        contexts["inputs"] = inputs

        job_env = dict(self.base_env)
        job_env.update(self._github_env(event_path))
        summary_parts, log = [], []
        for index, step in enumerate(self.action["runs"].get("steps") or []):
            step_id = step.get("id", f"__step{index}")
            contexts["env"] = dict(job_env)
            if not condition(step.get("if"), contexts):
                contexts["steps"][step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
                log.append(f"--- step {step.get('name', step_id)}: skipped\n")
                continue
            exit_code = 0
            if "uses" in step:
                outputs = self._uses(step, contexts)
                ok = True
            elif "run" in step:
                exit_code, outputs, summary, text = self._run(step, contexts, job_env, index)
                ok = exit_code == 0
                summary_parts.append(summary)
                log.append(f"--- step {step.get('name', step_id)}\n{text}")
            else:
                raise ActionError(f"step {index}: neither run nor uses")
            contexts["steps"][step_id] = {"outputs": outputs, "outcome": "success" if ok else "failure",
                                          "conclusion": "success" if ok else "failure", "exit_code": exit_code}
            if not ok:
                contexts["__status"] = False
        if self.cache and contexts["__status"]:
            self.cache.post()  # actions/cache saves in its post step, only when the job succeeded
        outputs = {name: to_text(substitute(to_text((spec or {}).get("value", "")), contexts))
                   for name, spec in (self.action.get("outputs") or {}).items()}
        return JobResult(success=contexts["__status"], outputs=outputs, summary="".join(summary_parts),
                         log="".join(log), steps=contexts["steps"])

    def _uses(self, step, contexts):
        uses = step["uses"]
        with_values = {k: to_text(substitute(to_text(v), contexts)) for k, v in (step.get("with") or {}).items()}
        if re.fullmatch(r"actions/cache@v\d+", uses):
            if self.cache is None:
                raise ActionError("actions/cache used but the runner has no cache stand-in")
            return self.cache.run(with_values)
        raise ActionError(f"uses: {uses}: no stand-in for this action")

    def _run(self, step, contexts, job_env, index):
        if step.get("shell") != "bash":
            raise ActionError(f"step {index}: composite run steps need shell: bash here, not {step.get('shell')!r}")
        files = {}
        for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY"):
            handle, path = tempfile.mkstemp(prefix=f"{name.lower()}-", dir=self.runner_temp)
            os.close(handle)
            files[name] = path
        script = os.path.join(self.runner_temp, f"step-{index}.sh")
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(substitute(step["run"], contexts))
        env = dict(job_env)
        env.update({k: to_text(substitute(to_text(v), contexts)) for k, v in (step.get("env") or {}).items()})
        env.update(files)
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=self.workspace,
                                env=env, capture_output=True, text=True, timeout=900)
        outputs = parse_key_values(files["GITHUB_OUTPUT"])
        job_env.update(parse_key_values(files["GITHUB_ENV"]))
        with open(files["GITHUB_PATH"], encoding="utf-8") as handle:
            for line in handle.read().splitlines():
                if line.strip():
                    job_env["PATH"] = line.strip() + os.pathsep + job_env.get("PATH", "")
        with open(files["GITHUB_STEP_SUMMARY"], encoding="utf-8") as handle:
            summary = handle.read()
        for path in files.values():
            os.remove(path)
        return result.returncode, outputs, summary, result.stdout + result.stderr
