odoo.define('crm_extended.PivotController', function (require) {
"use strict";

// Pivot tables download as .xlsx through /web/pivot/export_xlsx (controllers/pivot.py; a
// form POST with the CSRF token, which get_file sends)
// instead of Odoo 11's .xls, whose 256 columns and 65,536 rows a profitability pivot
// over customers and months outgrows.
var core = require('web.core');
var crash_manager = require('web.crash_manager');
var framework = require('web.framework');
var PivotController = require('web.PivotController');
var session = require('web.session');

var _t = core._t;
var XLSX_MAX_COLUMNS = 16384;

PivotController.include({
    _downloadTable: function () {
        var table = this.model.exportData();
        if (table.measure_row.length + 1 > XLSX_MAX_COLUMNS) {
            crash_manager.show_message(_t("For Excel compatibility, data cannot be exported if there are more than 16384 columns.\n\nTip: try to flip axis, filter further or reduce the number of measures."));
            return;
        }
        framework.blockUI();
        table.title = this.title;
        session.get_file({
            url: '/web/pivot/export_xlsx',
            data: {data: JSON.stringify(table)},
            complete: framework.unblockUI,
            error: crash_manager.rpc_error.bind(crash_manager),
        });
    },
});

});
