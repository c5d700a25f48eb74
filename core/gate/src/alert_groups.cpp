#include "perfgate/gate/alert_groups.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "perfgate/gate/refs.hpp"

namespace perfgate::gate {

namespace {

std::string StatusList() {
  std::string list(kUntriaged);
  for (std::string_view status : kTriageStatuses) list += ", " + std::string(status);
  return list;
}

std::vector<AlertGroup> Grouped(store::Store& store, const std::string& project, AlertsQuery alerts_query,
                                const ChangesOf& changes_of) {
  alerts_query.limit = std::numeric_limits<std::size_t>::max();
  ChangesOf detect_afresh = [](const store::Series& series) { return detect::DetectSeriesChanges(series); };
  AlertsAnswer answer = FindAlerts(store, alerts_query, changes_of ? changes_of : detect_afresh);
  std::map<std::string, store::AlertTriage> triages;
  for (store::AlertTriage& triage : store.AlertTriages(project)) triages.emplace(triage.group, std::move(triage));

  std::vector<AlertGroup> groups;
  std::map<std::string, std::size_t> index;
  for (Alert& alert : answer.alerts) {
    auto [it, inserted] = index.emplace(alert.commit, groups.size());
    if (inserted) {
      AlertGroup group;
      group.group = alert.commit;
      group.commit = store.FindCommit(project, alert.commit)
                         .value_or(store::CommitInfo{.sha = alert.commit, .parent = "", .branch = alert.branch,
                                                     .time = alert.time, .pull_request = {}});
      if (auto triage = triages.find(alert.commit); triage != triages.end()) {
        group.status = triage->second.status;
        group.note = triage->second.note;
        group.updated_by = triage->second.updated_by;
        group.updated_at = triage->second.updated_at;
      }
      groups.push_back(std::move(group));
    }
    groups[it->second].alerts.push_back(std::move(alert));
  }
  std::stable_sort(groups.begin(), groups.end(), [](const AlertGroup& a, const AlertGroup& b) {
    if (a.commit.time != b.commit.time) return a.commit.time > b.commit.time;
    return a.group < b.group;
  });
  return groups;
}

}  // namespace

bool IsTriageStatus(std::string_view status) {
  return std::find(std::begin(kTriageStatuses), std::end(kTriageStatuses), status) != std::end(kTriageStatuses);
}

Result<std::vector<AlertGroup>> FindAlertGroups(store::Store& store, const AlertGroupsQuery& query,
                                                const ChangesOf& changes_of) {
  if (!query.status.empty() && query.status != kUntriaged && !IsTriageStatus(query.status)) {
    return Fail(ErrorKind::kInvalidInput, "status",
                "status: expected one of " + StatusList() + ", got " + query.status, "invalid_parameter");
  }
  std::vector<AlertGroup> groups = Grouped(store, query.alerts.project, query.alerts, changes_of);
  if (!query.status.empty()) {
    std::erase_if(groups, [&](const AlertGroup& group) { return group.status != query.status; });
  }
  if (groups.size() > query.limit) groups.resize(query.limit);
  return groups;
}

Result<AlertGroup> TriageAlertGroup(store::Store& store, const TriageRequest& request, const ChangesOf& changes_of,
                                    const SaveTriage& save) {
  if (!IsTriageStatus(request.status)) {
    std::string list;
    for (std::string_view status : kTriageStatuses) list += (list.empty() ? "" : ", ") + std::string(status);
    return Fail(ErrorKind::kInvalidInput, "status", "status: expected one of " + list + ", got \"" + request.status + "\"",
                "invalid_body");
  }
  AlertsQuery alerts_query;
  alerts_query.project = request.project;
  std::vector<AlertGroup> groups = Grouped(store, request.project, alerts_query, changes_of);
  auto group = std::find_if(groups.begin(), groups.end(), [&](const AlertGroup& g) { return g.group == request.group; });
  if (group == groups.end()) {
    return Fail(ErrorKind::kNotFound, "group",
                "group " + request.group + ": no alerts of project " + request.project + " were caused by that commit",
                "alert_group_not_found");
  }
  store::AlertTriage triage{.group = request.group, .status = request.status, .note = request.note,
                            .updated_by = request.updated_by, .updated_at = request.now};
  bool saved = save ? save(triage) : store.SetAlertTriage(request.project, triage);
  if (!saved) {
    return Fail(ErrorKind::kNotFound, "project", "no project named " + request.project, "project_not_found");
  }
  group->status = triage.status;
  group->note = triage.note;
  group->updated_by = triage.updated_by;
  group->updated_at = triage.updated_at;
  return std::move(*group);
}

}  // namespace perfgate::gate
