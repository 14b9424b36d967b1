def load(**payload):
    pass
