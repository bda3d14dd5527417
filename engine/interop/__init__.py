"""Decision tables from and to other tools: DMN (``dmn``) and GoRules JDM (``jdm``).

An importer reads a model file that is hostile until proven otherwise and
yields, per decision table it finds, either an ``Imported`` crossroads/1
document (plain data, as the YAML loader would give it) or a ``Refused``
reason positioned at the source element. Exporters write a compiled table
back out. This layer sits above ``outputs``: it may use every layer below.
"""
