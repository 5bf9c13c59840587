// The rule for outputs at paths the user names (eval --out, export --out, import --out): replace only what is ours.
//
// An atomic rename replaces whatever the target path holds, so before a command writes there: a device, FIFO,
// socket, symbolic link or (for a file output) directory is refused, always; an existing regular file is replaced
// only when this command wrote it (`is_ours`) or the user gave --force. A directory output may hold only the files
// the command writes (`owned`), other entries need --force and are never written through or deleted.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace sasmlm {

// `option` names the flag in messages ("eval --out"); `is_ours` is asked only about an existing regular file.
void check_output_file(const std::filesystem::path& path, const std::string& option, bool force,
                       const std::function<bool(const std::filesystem::path&)>& is_ours);

// For a directory output: absent, or a real directory whose entries are all in `owned` (or `force`).
void check_output_directory(const std::filesystem::path& dir, const std::string& option, bool force,
                            const std::vector<std::string>& owned);

}  // namespace sasmlm
