#pragma once
// "Alert groups" (as Mozilla Perfherder's alert summaries): the alerts of
// FindAlerts gathered by the commit that caused them (the first commit at the
// new level), each group with the triage a person gave it.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perfgate/gate/alerts.hpp"
#include "perfgate/gate/error.hpp"
#include "perfgate/store/store.hpp"

namespace perfgate::gate {

// "untriaged" (never stored: a group nobody triaged), then the statuses a person sets.
inline constexpr std::string_view kUntriaged = "untriaged";
inline constexpr std::string_view kTriageStatuses[] = {"acknowledged", "expected", "invalid", "fixed"};

// True for a status a person may set (kTriageStatuses).
bool IsTriageStatus(std::string_view status);

struct AlertGroupsQuery {
  AlertsQuery alerts;  // branch, testbed, metric, min_change; its limit is ignored (every alert is grouped)
  std::string status;  // "" = every group; else "untriaged" or one of kTriageStatuses
  std::size_t limit = 100;  // groups, newest first
};

struct AlertGroup {
  std::string group;          // the sha of the commit that caused the alerts
  store::CommitInfo commit;   // that commit as stored
  std::string status = std::string(kUntriaged);
  std::string note;
  std::string updated_by;     // "" while untriaged
  std::int64_t updated_at = 0;
  std::vector<Alert> alerts;  // in FindAlerts' order
};

// Groups newest first (by commit time, then sha); `changes_of` as FindAlerts'
// (empty: detected afresh). A status that is neither
// "untriaged" nor a triage status is kInvalidInput (where "status").
Result<std::vector<AlertGroup>> FindAlertGroups(store::Store& store, const AlertGroupsQuery& query,
                                                const ChangesOf& changes_of);

struct TriageRequest {
  std::string project;
  std::string group;
  std::string status;  // one of kTriageStatuses
  std::string note;
  std::string updated_by;
  std::int64_t now = 0;
};

// Stores the group's triage and returns the group with it. Errors: a status
// that is not a triage status (kInvalidInput, where "status"); a group that is
// not the commit of any alert on the mainline (kNotFound, where "group", code
// "alert_group_not_found"). `save` stores the triage (the server's single
// writer; empty: store.SetAlertTriage) and returns false for an unknown project
// (kNotFound). Throws store::StoreError.
using SaveTriage = std::function<bool(const store::AlertTriage& triage)>;
Result<AlertGroup> TriageAlertGroup(store::Store& store, const TriageRequest& request, const ChangesOf& changes_of,
                                    const SaveTriage& save = {});

}  // namespace perfgate::gate
