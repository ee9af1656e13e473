"""mrkg"""
