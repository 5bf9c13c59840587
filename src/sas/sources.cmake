# module sas: sources are added when it is implemented
