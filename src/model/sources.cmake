# module model: sources are added when it is implemented
