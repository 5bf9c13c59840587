# module sweep: sources are added when it is implemented
