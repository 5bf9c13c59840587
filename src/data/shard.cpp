// placeholder: implemented with its module
