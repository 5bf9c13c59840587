# module train: sources are added when it is implemented
