#include "floe/io/xml.h"

#include <gtest/gtest.h>

namespace floe::io {
namespace {

TEST(Xml, ParsesAListResponse) {
  const std::string doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><IsTruncated>true</IsTruncated>
  <Contents><Key>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#233;&#x65E5;</Key><Size>12</Size></Contents>
  <Contents><Key><![CDATA[raw <text> & more]]></Key><Size>0</Size><Empty/></Contents>
  <s3:NextContinuationToken attr="x>y">tok/+=</s3:NextContinuationToken>
</ListBucketResult>)";
  auto xml = ParseXml(doc);
  ASSERT_TRUE(xml.ok()) << xml.status().ToString();
  EXPECT_EQ(xml->name, "ListBucketResult");
  EXPECT_EQ(xml->ChildText("Name"), "bucket");
  EXPECT_EQ(xml->ChildText("NextContinuationToken"), "tok/+=");
  EXPECT_EQ(xml->ChildText("Missing"), "");
  std::vector<const XmlElement*> contents;
  for (const auto& c : xml->children) {
    if (c.name == "Contents") contents.push_back(&c);
  }
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(contents[0]->ChildText("Key"), "a & b <c> \"d\" 'e' \xC3\xA9\xE6\x97\xA5");
  EXPECT_EQ(contents[1]->ChildText("Key"), "raw <text> & more");
  EXPECT_NE(contents[1]->Child("Empty"), nullptr);
}

TEST(Xml, RejectsMalformedInputWithoutCrashing) {
  for (const char* bad :
       {"", "text", "<a>", "<a></b>", "<a>&bogus;</a>", "<a>&#xFFFFFFFF;</a>", "<a", "<a x=\"1>",
        "<a></a><b></b>", "<a><![CDATA[x</a>", "<>x</>", "<a>&#;</a>", "<a>&amp</a>"}) {
    EXPECT_FALSE(ParseXml(bad).ok()) << bad;
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  auto r = ParseXml(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested too deeply"), std::string::npos);
}

TEST(Xml, EscapeRoundTrips) {
  const std::string text = "k&<>\"'\t\n\r end";
  auto xml = ParseXml("<Key>" + XmlEscape(text) + "</Key>");
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(xml->text, text);
}

}  // namespace
}  // namespace floe::io
