// placeholder: tests are added with the code
