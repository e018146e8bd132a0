// A small XML reader for S3 responses (ListObjectsV2, errors, multipart results).
// Element names and text only: attributes, comments, processing instructions and
// DOCTYPE are skipped; namespace prefixes are dropped from names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "floe/common/status.h"

namespace floe::io {

struct XmlElement {
  std::string name;
  std::string text;  // concatenated character data directly inside this element
  std::vector<XmlElement> children;

  // The first child named `name`, or nullptr.
  const XmlElement* Child(std::string_view name) const;
  // The text of the first child named `name`, or "" when there is none.
  const std::string& ChildText(std::string_view name) const;
};

// Parses `doc` into its root element. Bounded: at most 64 levels of nesting and
// 1,000,000 elements; malformed input is kCorruption naming the byte offset.
Result<XmlElement> ParseXml(std::string_view doc);

// Escapes & < > " ' and tab/LF/CR (as character references) for element text.
// Other control bytes (below 0x20) cannot appear in XML 1.0 at all; callers check.
std::string XmlEscape(std::string_view text);

}  // namespace floe::io
