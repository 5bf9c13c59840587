// load_yaml_document: one document, clear errors, and no hang on the inputs yaml-cpp 0.7's LoadAll loops on.
#include "sasmlm/config/yaml_document.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "sasmlm/config/config_loader.h"
#include "sasmlm/core/error.h"

namespace sasmlm {
namespace {

// The UserError message of loading `text` as cfg.yaml, or "<no error>". Runs in a child process killed after
// 20 s, so a regression to the endless loop (which also eats memory without bound) fails the test instead of
// hanging CI: the result is "<timed out>".
std::string document_error(const std::string& text) {
  int fds[2];
  if (pipe(fds) != 0) return std::string("<pipe failed: ") + std::strerror(errno) + ">";
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    alarm(20);
    std::string message = "<no error>";
    try {
      (void)load_yaml_document(text, "cfg.yaml");
    } catch (const UserError& e) {
      message = e.what();
    }
    ssize_t written = write(fds[1], message.data(), message.size());
    _exit(written == static_cast<ssize_t>(message.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string message;
  char buffer[256];
  ssize_t n = 0;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) message.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) return "<timed out>";
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "<child failed>";
  return message;
}

TEST(YamlDocument, ReadsOneDocument) {
  YAML::Node node = load_yaml_document("run:\n  seed: 3\n", "cfg.yaml");
  ASSERT_TRUE(node.IsMap());
  EXPECT_EQ(node["run"]["seed"].Scalar(), "3");
  // Comments only, or nothing: no document, a null node (a config of defaults).
  EXPECT_TRUE(load_yaml_document("# nothing here\n", "cfg.yaml").IsNull());
  EXPECT_TRUE(load_yaml_document("", "cfg.yaml").IsNull());
  // An explicit start marker is still one document.
  EXPECT_TRUE(load_yaml_document("---\nrun: {seed: 1}\n", "cfg.yaml").IsMap());
}

// Found by fuzz_config: yaml-cpp 0.7's LoadAll returns empty documents forever on these.
TEST(YamlDocument, LeadingCommaIsAnErrorNotAHang) {
  EXPECT_EQ(document_error(","), "cfg.yaml:1: malformed YAML: unexpected ',' where a value should start");
  EXPECT_EQ(document_error("# a comment\n, x"), "cfg.yaml:2: malformed YAML: unexpected ',' where a value should start");
  EXPECT_EQ(document_error("&anchor ,"), "cfg.yaml:1: malformed YAML: unexpected ',' where a value should start");
  EXPECT_EQ(document_error("[a]\n,\n"), "cfg.yaml:2: malformed YAML: unexpected ',' where a value should start");
  // The fuzzer's own input (reduced from 115 bytes of mangled config, invalid UTF-8 included).
  EXPECT_EQ(document_error("# Tiny BERT on \n,ata:\n sh-EWT,o\xff\xff\xffn --config'cono_dir: data/s"),
            "cfg.yaml:2: malformed YAML: unexpected ',' where a value should start");
}

TEST(YamlDocument, TrailingDocumentsAreRefused) {
  EXPECT_EQ(document_error("a: 1\n---\nb: 2\n---\nc: 3\n"),
            "cfg.yaml:2: expected one YAML document, found 3 (remove the '---' separators)");
}

TEST(YamlDocument, SyntaxErrorsNameTheLine) {
  EXPECT_EQ(document_error("a: [1, 2\n"), "cfg.yaml:1: malformed YAML: end of sequence flow not found");
  EXPECT_EQ(document_error("a: *missing\n"), "cfg.yaml:1: malformed YAML: the referenced anchor is not defined");
}

// The config loader goes through it, so a config file with the bad token fails fast too.
TEST(YamlDocument, ConfigLoaderUsesIt) {
  EXPECT_THROW(load_config_from_string(",", "cfg.yaml"), UserError);
}

// flow_yaml writes a value back on one line (a sweep axis value becomes a --set override) that reads as the same.
TEST(YamlDocument, FlowYamlIsOneLineThatReadsBackTheSame) {
  EXPECT_EQ(flow_yaml(YAML::Load("[1, 2]")), "[1, 2]");
  for (const char* text : {"[1, [2, 3]]", "{a: 1, b: [x, y]}", "'a: b'", "'#x'", "0.5"}) {
    const YAML::Node node = YAML::Load(text);
    const std::string line = flow_yaml(node);
    EXPECT_EQ(line.find('\n'), std::string::npos) << text;
    EXPECT_EQ(YAML::Dump(YAML::Load(line)), YAML::Dump(node)) << text;
  }
}

}  // namespace
}  // namespace sasmlm
