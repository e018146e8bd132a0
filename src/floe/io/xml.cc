#include "floe/io/xml.h"

namespace floe::io {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxElements = 1000000;

class Parser {
 public:
  explicit Parser(std::string_view doc) : doc_(doc) {}

  Result<XmlElement> Parse() {
    FLOE_RETURN_IF_ERROR(SkipMisc());
    if (pos_ >= doc_.size() || doc_[pos_] != '<') return Error("expected the root element");
    XmlElement root;
    FLOE_RETURN_IF_ERROR(ParseElement(root, 0));
    FLOE_RETURN_IF_ERROR(SkipMisc());
    if (pos_ != doc_.size()) return Error("content after the root element");
    return root;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::Corruption("XML response: {} at byte {}", what, pos_);
  }

  bool StartsWith(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }

  Status SkipPast(std::string_view end) {
    const size_t at = doc_.find(end, pos_);
    if (at == std::string_view::npos) return Error(fmt::format("missing '{}'", end));
    pos_ = at + end.size();
    return Status::OK();
  }

  // Skips whitespace, <?...?>, <!--...--> and <!DOCTYPE ...> between elements.
  Status SkipMisc() {
    while (pos_ < doc_.size()) {
      const char c = doc_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (StartsWith("<?")) {
        FLOE_RETURN_IF_ERROR(SkipPast("?>"));
      } else if (StartsWith("<!--")) {
        FLOE_RETURN_IF_ERROR(SkipPast("-->"));
      } else if (StartsWith("<!")) {
        FLOE_RETURN_IF_ERROR(SkipPast(">"));
      } else {
        break;
      }
    }
    return Status::OK();
  }

  static bool IsNameChar(char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '>' && c != '/' && c != '=';
  }

  std::string ReadName() {
    const size_t start = pos_;
    while (pos_ < doc_.size() && IsNameChar(doc_[pos_])) ++pos_;
    std::string_view name = doc_.substr(start, pos_ - start);
    const size_t colon = name.find(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    return std::string(name);
  }

  // Appends `raw` to `out` with entity and character references decoded.
  Status AppendText(std::string_view raw, std::string& out) {
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out.push_back(raw[i]);
        continue;
      }
      const size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos || semi - i > 12) return Error("bad entity reference");
      const std::string_view ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "amp") {
        out.push_back('&');
      } else if (ent == "lt") {
        out.push_back('<');
      } else if (ent == "gt") {
        out.push_back('>');
      } else if (ent == "quot") {
        out.push_back('"');
      } else if (ent == "apos") {
        out.push_back('\'');
      } else if (ent.size() >= 2 && ent[0] == '#') {
        uint32_t cp = 0;
        const bool hex = ent[1] == 'x' || ent[1] == 'X';
        const std::string_view digits = ent.substr(hex ? 2 : 1);
        if (digits.empty()) return Error("bad character reference");
        for (char d : digits) {
          uint32_t v;
          if (d >= '0' && d <= '9') {
            v = static_cast<uint32_t>(d - '0');
          } else if (hex && d >= 'a' && d <= 'f') {
            v = static_cast<uint32_t>(d - 'a' + 10);
          } else if (hex && d >= 'A' && d <= 'F') {
            v = static_cast<uint32_t>(d - 'A' + 10);
          } else {
            return Error("bad character reference");
          }
          cp = cp * (hex ? 16 : 10) + v;
          if (cp > 0x10FFFF) return Error("character reference out of range");
        }
        AppendUtf8(cp, out);
      } else {
        return Error("unknown entity");
      }
      i = semi;
    }
    return Status::OK();
  }

  static void AppendUtf8(uint32_t cp, std::string& out) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // At '<' of a start tag: parses the element and its content up to its end tag.
  Status ParseElement(XmlElement& el, int depth) {
    if (depth >= kMaxDepth) return Error("elements nested too deeply");
    if (++elements_ > kMaxElements) return Error("too many elements");
    ++pos_;  // '<'
    el.name = ReadName();
    if (el.name.empty()) return Error("element without a name");
    // Skip attributes (quoted values may hold '>' or '/').
    while (pos_ < doc_.size() && doc_[pos_] != '>' && doc_[pos_] != '/') {
      const char c = doc_[pos_];
      if (c == '"' || c == '\'') {
        const size_t close = doc_.find(c, pos_ + 1);
        if (close == std::string_view::npos) return Error("unterminated attribute value");
        pos_ = close + 1;
      } else {
        ++pos_;
      }
    }
    if (pos_ >= doc_.size()) return Error("unterminated start tag");
    if (doc_[pos_] == '/') {
      if (!StartsWith("/>")) return Error("bad empty-element tag");
      pos_ += 2;
      return Status::OK();
    }
    ++pos_;  // '>'
    while (true) {
      const size_t lt = doc_.find('<', pos_);
      if (lt == std::string_view::npos) return Error(fmt::format("missing </{}>", el.name));
      FLOE_RETURN_IF_ERROR(AppendText(doc_.substr(pos_, lt - pos_), el.text));
      pos_ = lt;
      if (StartsWith("</")) {
        pos_ += 2;
        const std::string name = ReadName();
        if (name != el.name) return Error(fmt::format("</{}> closes <{}>", name, el.name));
        while (pos_ < doc_.size() && doc_[pos_] != '>') ++pos_;
        if (pos_ >= doc_.size()) return Error("unterminated end tag");
        ++pos_;
        return Status::OK();
      }
      if (StartsWith("<![CDATA[")) {
        const size_t start = pos_ + 9;
        const size_t end = doc_.find("]]>", start);
        if (end == std::string_view::npos) return Error("unterminated CDATA");
        el.text.append(doc_.substr(start, end - start));
        pos_ = end + 3;
      } else if (StartsWith("<!--")) {
        FLOE_RETURN_IF_ERROR(SkipPast("-->"));
      } else if (StartsWith("<?")) {
        FLOE_RETURN_IF_ERROR(SkipPast("?>"));
      } else {
        el.children.emplace_back();
        FLOE_RETURN_IF_ERROR(ParseElement(el.children.back(), depth + 1));
      }
    }
  }

  std::string_view doc_;
  size_t pos_ = 0;
  size_t elements_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view n) const {
  for (const XmlElement& c : children) {
    if (c.name == n) return &c;
  }
  return nullptr;
}

const std::string& XmlElement::ChildText(std::string_view n) const {
  static const std::string kEmpty;
  const XmlElement* c = Child(n);
  return c ? c->text : kEmpty;
}

Result<XmlElement> ParseXml(std::string_view doc) { return Parser(doc).Parse(); }

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace floe::io
