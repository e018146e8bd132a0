// `floe namespace create|list|drop`: namespaces of the embedded catalog
// (iceberg/sqlite_catalog.h) of a warehouse (--warehouse, default ./floe-data, any
// storage URI).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "floe/cli/commands.h"
#include "floe/iceberg/sqlite_catalog.h"

namespace floe::cli {
namespace {

struct NamespaceFlags {
  std::string warehouse = "./floe-data";
  std::string name;
  std::vector<std::string> properties;  // KEY=VALUE
};

Status Create(const NamespaceFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::Namespace ns, iceberg::ParseNamespace(f.name));
  FLOE_ASSIGN_OR_RETURN(iceberg::Properties props, ParseProperties(f.properties));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  return catalog->CreateNamespace(ns, props);
}

// Lists every namespace under the given one (all levels), with its properties.
Status ListRecursive(iceberg::Catalog& catalog, const iceberg::Namespace& parent) {
  FLOE_ASSIGN_OR_RETURN(std::vector<iceberg::Namespace> children, catalog.ListNamespaces(parent));
  for (const iceberg::Namespace& ns : children) {
    FLOE_ASSIGN_OR_RETURN(iceberg::Properties props, catalog.LoadNamespaceProperties(ns));
    std::string line = iceberg::NamespaceToString(ns);
    for (const auto& [k, v] : props) line += "\t" + k + "=" + v;
    std::printf("%s\n", line.c_str());
    FLOE_RETURN_IF_ERROR(ListRecursive(catalog, ns));
  }
  return Status::OK();
}

Status List(const NamespaceFlags& f) {
  iceberg::Namespace parent;
  if (!f.name.empty()) {
    FLOE_ASSIGN_OR_RETURN(parent, iceberg::ParseNamespace(f.name));
  }
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  if (!parent.empty()) FLOE_RETURN_IF_ERROR(catalog->LoadNamespaceProperties(parent).status());
  FLOE_RETURN_IF_ERROR(ListRecursive(*catalog, parent));
  if (std::fflush(stdout) != 0) return Status::IOError("writing to stdout failed");
  return Status::OK();
}

Status Drop(const NamespaceFlags& f) {
  FLOE_ASSIGN_OR_RETURN(iceberg::Namespace ns, iceberg::ParseNamespace(f.name));
  FLOE_ASSIGN_OR_RETURN(auto catalog, OpenCatalog(f.warehouse));
  return catalog->DropNamespace(ns);
}

}  // namespace

void AddNamespaceCommands(CLI::App& app, Action& action) {
  auto flags = std::make_shared<NamespaceFlags>();
  CLI::App* group = app.add_subcommand("namespace", "Create, list and drop catalog namespaces");
  group->require_subcommand(1);
  group->fallthrough();  // --warehouse may follow the subcommand too
  group
      ->add_option("--warehouse", flags->warehouse,
                   "warehouse URI (a directory, s3://bucket/prefix, ...)")
      ->capture_default_str();

  CLI::App* create = group->add_subcommand("create", "Create a namespace (a.b for nested)");
  create->add_option("namespace", flags->name, "namespace name")->required();
  create->add_option("-p,--property", flags->properties, "KEY=VALUE (repeatable)");
  create->callback([flags, &action] { action = [flags] { return ReportStatus(Create(*flags)); }; });

  CLI::App* list = group->add_subcommand("list", "List namespaces and their properties");
  list->add_option("parent", flags->name, "list only under this namespace");
  list->callback([flags, &action] { action = [flags] { return ReportStatus(List(*flags)); }; });

  CLI::App* drop = group->add_subcommand("drop", "Drop an empty namespace");
  drop->add_option("namespace", flags->name, "namespace name")->required();
  drop->callback([flags, &action] { action = [flags] { return ReportStatus(Drop(*flags)); }; });
}

}  // namespace floe::cli
