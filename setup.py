"""Install the closure suite add-ons into Odoo's ``odoo.addons`` namespace.

    pip install .          # next to an Odoo 18.0 that is importable as ``odoo``

``odoo`` and ``odoo.addons`` stay namespace packages here (no ``__init__.py`` of
ours): Odoo's own ``odoo/addons/__init__.py`` extends its path over every
``odoo/addons`` directory on ``sys.path``, so the installed add-ons are found
without touching ``--addons-path``.
"""
import ast
import os

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
# closure_crm, its parts, the bridges that install themselves with an app
# (Email Marketing, Sales), closure_training
ADDONS = ['closure_crm', 'closure_crm_books', 'closure_crm_care', 'closure_crm_data', 'closure_crm_privilege',
          'closure_crm_score', 'closure_crm_watch', 'closure_crm_mass_mailing', 'closure_crm_sale', 'closure_training']


def manifest(addon):
    with open(os.path.join(HERE, addon, '__manifest__.py'), encoding='utf-8') as f:
        return ast.literal_eval(f.read())


def data_files_of(addon):
    """Every non-Python file of the add-on (xml, csv, po, pot, js, scss, png, md...),
    relative to the add-on folder, as package data of its top package."""
    root = os.path.join(HERE, addon)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != '__pycache__']
        for name in filenames:
            if name.endswith(('.py', '.pyc', '.pyo')):
                continue
            found.append(os.path.relpath(os.path.join(dirpath, name), root))
    return sorted(found)


addons = [a for a in ADDONS if os.path.isfile(os.path.join(HERE, a, '__manifest__.py'))]
packages, package_dir, package_data = [], {}, {}
install_requires = set()
for addon in addons:
    top = 'odoo.addons.' + addon
    package_dir[top] = addon
    packages.append(top)
    packages += [top + '.' + sub for sub in find_packages(addon)]
    package_data[top] = data_files_of(addon)
    install_requires.update(manifest(addon).get('external_dependencies', {}).get('python', []))

setup(
    name='closure-suite',
    version=manifest('closure_crm')['version'],
    description='Odoo 18.0 add-ons for a company that is closing: '
                'closure CRM (plans, tiered customer cases, transfers) and staff training',
    long_description=open(os.path.join(HERE, 'README.md'), encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='LGPL-3.0',
    python_requires='>=3.10',
    packages=packages,
    package_dir=package_dir,
    package_data=package_data,
    include_package_data=True,
    install_requires=sorted(install_requires),
    zip_safe=False,
    classifiers=[
        'Framework :: Odoo',
        'Framework :: Odoo :: 18.0',
        'License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)',
        'Programming Language :: Python :: 3',
    ],
)
