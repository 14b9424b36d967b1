def load_demo_complaints(**payload):
    pass
