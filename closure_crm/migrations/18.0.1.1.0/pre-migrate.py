"""Security rules whose domain changed in 18.0.1.1.0 live in noupdate data:
an update would keep the old, wider domains. Drop them here; the update
creates them again from security/*.xml."""

CHANGED_RULES = (
    'closure_transfer_rule_company',
    'closure_transfer_rule_portal_receiver',
    'closure_consent_rule_company',
    'closure_obligation_rule_company',
)


def migrate(cr, version):
    cr.execute("""
        DELETE FROM ir_rule WHERE id IN (
            SELECT res_id FROM ir_model_data
             WHERE module = 'closure_crm' AND model = 'ir.rule' AND name IN %s)""", [CHANGED_RULES])
    cr.execute("DELETE FROM ir_model_data WHERE module = 'closure_crm' AND model = 'ir.rule' AND name IN %s",
               [CHANGED_RULES])
