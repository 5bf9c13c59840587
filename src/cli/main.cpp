#include <torch/torch.h>
#include <iostream>
#include "sasmlm/core/error.h"
int main() { std::cout << torch::ones({2}).sum().item<float>() << "\n"; return 0; }
