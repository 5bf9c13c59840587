# module dist: sources are added when it is implemented
