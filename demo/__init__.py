"""The demo data of Kota Sukabumi and the `load_demo` command: the top floor of the house, so
it may build on every app (agencies, innovations, judging, public) and nothing imports it."""
