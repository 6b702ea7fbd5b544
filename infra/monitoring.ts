import { Aws } from 'aws-cdk-lib';
import { Alarm, type Dashboard, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type AlarmDelivery, createAlarmTopic } from './alarm-topic.ts';
import { type AlarmSources, alarmDefinitions, runbookSuffix } from './alarms.ts';
import { createDashboard, type DashboardProps } from './dashboard.ts';

export interface MonitoringProps extends AlarmSources, Omit<DashboardProps, 'alarms'> {
  /** E-mail, Slack and Teams destinations of the alarm topic (settings; none by default). */
  delivery: AlarmDelivery;
}

/**
 * Alarms → one SNS topic (e-mail, Slack, Teams as configured) and a dashboard of the pipeline. Each alarm's
 * description says what to do; docs/operations.md ("Alarms") has a runbook entry for each.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = createAlarmTopic(this, props.delivery);
    for (const [alarmId, { whatToDo, ...options }] of Object.entries(alarmDefinitions(props))) {
      this.notify(
        new Alarm(this, alarmId, {
          ...options,
          alarmDescription: `${whatToDo} ${runbookSuffix(props.stage)}`,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.dashboard = createDashboard(this, { ...props, alarms: this.alarms });
    this.dashboardUrl = `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards:name=${this.dashboard.dashboardName}`;
  }

  /** Sends an alarm (this construct's or another's, such as the cohort sync's) to the topic, on alarm and on recovery. */
  notify(alarm: Alarm): void {
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  /** Lists an alarm that already notifies the topic itself (the outage prober's) on the dashboard. */
  show(...alarms: Alarm[]): void {
    this.alarms.push(...alarms);
  }
}
