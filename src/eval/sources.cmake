# module eval: sources are added when it is implemented
