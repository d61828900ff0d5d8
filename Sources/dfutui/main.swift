import DfuSe
print("dfutui")
