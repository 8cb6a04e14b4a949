/*
 * Draws the rehearsal report's charts with ECharts (inlined above this script) from the data the
 * report embeds as JSON: every chart on the same time axis (the autoscaling period), linked so that
 * hovering or zooming one moves them all; the HPA's rescales as vertical lines on the replicas
 * chart, the CPU target as a horizontal line on the CPU chart.
 */
(function () {
    'use strict';
    var data = JSON.parse(document.getElementById('rehearsal-data').textContent);
    var instances = data.charts.map(function (spec) {
        var format = function (value) {
            return Number(value).toLocaleString('en-US', {maximumFractionDigits: 1});
        };
        var marks = [];
        (spec.events || []).forEach(function (event) {
            marks.push({xAxis: event.at, name: event.label, label: {formatter: event.label}});
        });
        if (spec.threshold !== undefined) {
            marks.push({yAxis: spec.threshold, name: spec.thresholdLabel,
                label: {formatter: spec.thresholdLabel + ' ' + spec.threshold + spec.unit}});
        }
        var series = spec.series.map(function (s, index) {
            var line = {
                name: s.name,
                type: 'line',
                step: spec.step ? 'end' : false,
                showSymbol: s.dots === true || s.points.length < 2,
                symbolSize: 6,
                lineStyle: s.dots === true ? {width: 0} : {width: 1.5},
                data: s.points
            };
            if (s.color) {
                line.color = s.color;
            }
            if (index === 0 && marks.length > 0) {
                line.markLine = {symbol: 'none', silent: true, lineStyle: {color: '#d62728', type: 'dashed'},
                    label: {position: 'end'}, data: marks};
            }
            return line;
        });
        var chart = echarts.init(document.getElementById(spec.id), null, {renderer: 'svg'});
        chart.group = 'rehearsal';
        chart.setOption({
            // Drawn at once, so the page is complete when it has loaded (also for printing and screenshots).
            animation: false,
            useUTC: true,
            title: {text: spec.title, left: 0, textStyle: {fontSize: 14}},
            legend: {top: 22, left: 0, type: 'scroll'},
            grid: {left: 70, right: 60, top: 75, bottom: 60},
            tooltip: {
                trigger: 'axis',
                valueFormatter: function (value) { return format(value) + ' ' + spec.unit; }
            },
            toolbox: {right: 10, feature: {dataZoom: {yAxisIndex: 'none'}, restore: {}}},
            dataZoom: [
                {type: 'inside', filterMode: 'none'},
                {type: 'slider', filterMode: 'none', height: 16, bottom: 8}
            ],
            xAxis: {
                type: 'time',
                min: data.start,
                max: data.end,
                axisLabel: {formatter: '{HH}:{mm}:{ss}', hideOverlap: true},
                splitLine: {show: true}
            },
            yAxis: {
                type: 'value',
                name: spec.unit,
                min: 0,
                minInterval: spec.step ? 1 : 0,
                axisLabel: {formatter: format},
                splitLine: {show: true}
            },
            series: series
        });
        return chart;
    });
    echarts.connect('rehearsal');
    window.addEventListener('resize', function () {
        instances.forEach(function (chart) { chart.resize(); });
    });
})();
