-- Alert groups' triage, the stored perfgate.json of a project, and a counter
-- every write that is not a run bumps, so that DataVersion changes with it.

CREATE TABLE alert_triage (
  project_id BIGINT NOT NULL REFERENCES projects(id),
  group_sha TEXT NOT NULL,       -- the commit that caused the group's alerts
  status TEXT NOT NULL,          -- acknowledged, expected, invalid, fixed
  note TEXT NOT NULL,
  updated_by TEXT NOT NULL,      -- the name of the token that set it
  updated_at BIGINT NOT NULL,   -- seconds since the Unix epoch
  PRIMARY KEY (project_id, group_sha)
);

CREATE TABLE project_configs (
  project_id BIGINT PRIMARY KEY REFERENCES projects(id),
  body TEXT NOT NULL,            -- perfgate.json as sent (validated by core/config)
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE data_writes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO data_writes (id, n) VALUES (1, 0);
